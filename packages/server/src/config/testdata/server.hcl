# A production-style server config, written as for Vault.
storage "raft" {
  path    = "/var/lib/coffer/data"
  node_id = "coffer-1"

  retry_join {
    leader_api_addr = "https://coffer-2.internal:8200"
  }
}

# Public listener, TLS with client certificates verified against our CA.
listener "tcp" {
  address                            = "0.0.0.0:8200"
  tls_cert_file                      = "/etc/coffer/tls/server.crt"
  tls_key_file                       = "/etc/coffer/tls/server.key"
  tls_client_ca_file                 = "/etc/coffer/tls/clients-ca.crt"
  tls_require_and_verify_client_cert = "true"
  tls_min_version                    = "tls13"
  max_request_size                   = 1048576
  max_request_duration               = "30s"
}

// Local plain-HTTP listener for the agent on this host.
listener "tcp" {
  address           = "127.0.0.1:8210"
  tls_disable       = 1
  max_request_size  = -1
  http_idle_timeout = "2m"
  telemetry {
    unauthenticated_metrics_access = true
  }
}

seal "transit" {
  address    = "https://transit.internal:8200"
  key_name   = "autounseal"
  mount_path = "transit/"
  token      = <<EOT
hvs.not-a-real-token
EOT
}

api_addr          = "https://coffer.example.com:8200"
cluster_addr      = "https://coffer-1.internal:8201"
cluster_name      = "coffer-prod"
default_lease_ttl = "1h"
max_lease_ttl     = "720h"
plugin_directory  = "/usr/local/libexec/coffer/plugins"
disable_mlock     = true
ui                = true
log_level         = "Warning"
log_format        = "json"

/* Telemetry (prometheus_retention_time is read) and a typo */
telemetry {
  prometheus_retention_time = "30s"
}
listner_typo = "oops"
