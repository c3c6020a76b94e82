// The OCI layer whiteout names (image-spec layer.md, from aufs): `.wh.<name>` deletes `<name>`
// from the layers below, `.wh..wh..opq` in a directory hides everything below it.

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_WHITEOUT = '.wh..wh..opq';
