backend "consul" {
  address = "127.0.0.1:8500"
  path    = "coffer/"
  scheme  = "http"
  max_parallel = 128
}

ha_backend "consul" {
  address = "127.0.0.1:8500"
}

listener "tcp" {
  tls_disable = "true"
}
