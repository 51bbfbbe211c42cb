ui = "not read"
