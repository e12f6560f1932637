{{/*
The chart's name, 63 characters at most (a DNS label).
*/}}
{{- define "meshpilot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's full name: the release name when it already contains the chart's name
("meshpilot", "meshpilot-prod"), else <release>-<chart>.
*/}}
{{- define "meshpilot.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
chart-version for the helm.sh/chart label.
*/}}
{{- define "meshpilot.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "meshpilot.labels" -}}
helm.sh/chart: {{ include "meshpilot.chart" . }}
{{ include "meshpilot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: control-plane
app.kubernetes.io/part-of: meshpilot
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels that select the pods; never change them in an upgrade (a Deployment's selector is immutable).
*/}}
{{- define "meshpilot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meshpilot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The ServiceAccount the pods run as.
*/}}
{{- define "meshpilot.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "meshpilot.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
repository:tag, the tag defaulting to the chart's appVersion.
*/}}
{{- define "meshpilot.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
True (non-empty) when more than one pod runs, so a PodDisruptionBudget can let one go.
*/}}
{{- define "meshpilot.multipleReplicas" -}}
{{- if .Values.autoscaling.enabled }}
{{- if gt (int .Values.autoscaling.minReplicas) 1 }}true{{ end }}
{{- else if gt (int .Values.replicas) 1 }}true{{ end }}
{{- end }}

{{/*
True (non-empty) when meshpilot checks debug callers' tokens with a TokenReview: asked for, /debug/*
on, and no token file (a token file replaces TokenReview in the server).
*/}}
{{- define "meshpilot.tokenReview" -}}
{{- if and .Values.debug.enabled .Values.debug.tokenReview (not .Values.debug.tokenSecret.name) }}true{{ end }}
{{- end }}

{{/*
Where the client CA bundle is mounted, if client certificates are verified.
*/}}
{{- define "meshpilot.clientCAFile" -}}
{{- if .Values.tls.clientCASecret }}/etc/meshpilot/client-ca/ca.crt
{{- else if and .Values.tls.secretName .Values.tls.clientCA }}/etc/meshpilot/tls/ca.crt
{{- end }}
{{- end }}
