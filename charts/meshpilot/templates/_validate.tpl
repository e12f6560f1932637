{{/*
Checks that span several values (values.schema.json checks each value on its own).
*/}}
{{- define "meshpilot.validate" -}}
{{- if and .Values.tls.clientCA (not .Values.tls.secretName) }}
{{- fail "tls.clientCA verifies client certificates on the TLS port: set tls.secretName too" }}
{{- end }}
{{- if and .Values.tls.clientCASecret (not .Values.tls.secretName) }}
{{- fail "tls.clientCASecret verifies client certificates on the TLS port: set tls.secretName too" }}
{{- end }}
{{- if and (not .Values.plaintextXds) (not .Values.tls.secretName) }}
{{- fail "plaintextXds=false serves xDS only over TLS: set tls.secretName too" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- $ports := list (int .Values.ports.grpcXds) (int .Values.ports.httpsXds) (int .Values.ports.httpMonitoring) }}
{{- if ne (len (uniq $ports)) 3 }}
{{- fail "ports.grpcXds, ports.httpsXds and ports.httpMonitoring must differ" }}
{{- end }}
{{- end }}
