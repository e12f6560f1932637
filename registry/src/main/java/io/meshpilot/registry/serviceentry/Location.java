package io.meshpilot.registry.serviceentry;

/** ServiceEntry {@code spec.location}: whether the service is part of the mesh. */
public enum Location {
  /** Outside the mesh (the default): no mTLS, {@code MeshExternal: true}. */
  MESH_EXTERNAL,
  /** Part of the mesh, e.g. VMs with sidecars. */
  MESH_INTERNAL
}
