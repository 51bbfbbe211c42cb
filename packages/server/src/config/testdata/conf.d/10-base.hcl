storage "file" {
  path = "/var/lib/coffer/base"
}

listener "tcp" {
  address     = "127.0.0.1:8200"
  tls_disable = true
}

ui                = false
default_lease_ttl = "2h"
log_level         = "debug"
