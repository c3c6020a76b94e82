// Docker's device allow-list (moby oci/defaults.go, runc's AllowedDevices): mknod of any node is
// allowed, but only these devices open. Everything else (a host disk, /dev/mem, ...) is denied.

export interface DeviceRule {
  type: 'c' | 'b';
  /** undefined: every number (`*`). */
  major?: number;
  minor?: number;
  access: 'm' | 'rwm';
}

export const ALLOWED_DEVICES: readonly DeviceRule[] = [
  { type: 'c', access: 'm' },
  { type: 'b', access: 'm' },
  { type: 'c', major: 1, minor: 3, access: 'rwm' }, // null
  { type: 'c', major: 1, minor: 5, access: 'rwm' }, // zero
  { type: 'c', major: 1, minor: 7, access: 'rwm' }, // full
  { type: 'c', major: 1, minor: 8, access: 'rwm' }, // random
  { type: 'c', major: 1, minor: 9, access: 'rwm' }, // urandom
  { type: 'c', major: 5, minor: 0, access: 'rwm' }, // tty
  { type: 'c', major: 5, minor: 1, access: 'rwm' }, // console
  { type: 'c', major: 5, minor: 2, access: 'rwm' }, // ptmx
  { type: 'c', major: 136, access: 'rwm' }, // pts/*
  { type: 'c', major: 10, minor: 200, access: 'rwm' }, // net/tun
];

/** A rule as a line of the v1 `devices.allow` file: `c 1:3 rwm`, `c *:* m`. */
export function v1DeviceRule(rule: DeviceRule): string {
  return `${rule.type} ${rule.major ?? '*'}:${rule.minor ?? '*'} ${rule.access}`;
}

/** The OCI `linux.resources.devices` list: deny everything, then the allow-list. */
export function ociDeviceRules(): Record<string, unknown>[] {
  return [
    { allow: false, access: 'rwm' },
    ...ALLOWED_DEVICES.map((r) => ({
      allow: true, type: r.type, access: r.access,
      ...(r.major === undefined ? {} : { major: r.major }),
      ...(r.minor === undefined ? {} : { minor: r.minor }),
    })),
  ];
}
