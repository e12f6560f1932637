{{/*
Structural schema of a ServiceEntry, the same for every served version: the fields meshpilot reads
are typed, everything else under spec is kept as is.
*/}}
{{- define "meshpilot.serviceEntrySchema" -}}
type: object
description: Istio ServiceEntry, an entry in the service registry.
properties:
  spec:
    type: object
    description: Configuration affecting service registry.
    x-kubernetes-preserve-unknown-fields: true
    required:
      - hosts
    properties:
      hosts:
        type: array
        description: The hosts associated with the ServiceEntry.
        items:
          type: string
      addresses:
        type: array
        description: The virtual IP addresses associated with the service.
        items:
          type: string
      ports:
        type: array
        description: The ports associated with the external service.
        items:
          type: object
          x-kubernetes-preserve-unknown-fields: true
          required:
            - number
            - name
          properties:
            number:
              type: integer
              minimum: 1
              maximum: 4294967295
            name:
              type: string
            protocol:
              type: string
            targetPort:
              type: integer
              minimum: 0
              maximum: 4294967295
      location:
        type: string
        enum:
          - MESH_EXTERNAL
          - MESH_INTERNAL
      resolution:
        type: string
        enum:
          - NONE
          - STATIC
          - DNS
          - DNS_ROUND_ROBIN
          - DYNAMIC_DNS
      endpoints:
        type: array
        items:
          type: object
          x-kubernetes-preserve-unknown-fields: true
      workloadSelector:
        type: object
        x-kubernetes-preserve-unknown-fields: true
      exportTo:
        type: array
        items:
          type: string
      subjectAltNames:
        type: array
        items:
          type: string
  status:
    type: object
    x-kubernetes-preserve-unknown-fields: true
{{- end }}
