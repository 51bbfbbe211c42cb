storage "file" {
  path = "/tmp/coffer"
}

listener "tcp" {
  address = "127.0.0.1:8200"
  tls_disable = true
  max_request_size = [
}
