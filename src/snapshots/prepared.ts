// The shape of a prepared rootfs view, shared by the overlay and copy implementations.

export interface PreparedRootfs {
  kind: 'overlay' | 'copy';
  /** The directory that is `/` of the image. */
  rootfs: string;
  /** Where changes land (overlay upper dir); undefined for a read-only view or a copy. */
  upperdir: string | undefined;
  /** Overlay work dir; undefined for a read-only view or a copy. */
  workdir: string | undefined;
  /** For a copy: the pristine merged tree the rootfs is compared with. */
  lowerCopy: string | undefined;
  /** The upper dir started as a linked copy of the `seed` snapshot asked for (overlay only). */
  seeded?: boolean;
  /** The per-view scratch directory, removed by cleanup. */
  base: string;
  /** Unmounts and removes everything of this view. Safe to call twice. */
  cleanup(): void;
}
