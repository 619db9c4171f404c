/**
 * The environment variables the key-rotation function reads, which `components/key-rotation.ts` sets.
 * Plain constants, so the component imports them without the function's AWS SDK clients.
 */
export const ROTATION_ENV = {
  maxUrlLifetimeSeconds: "RENDORIX_MAX_URL_LIFETIME_SECONDS",
  keyIdPrefix: "RENDORIX_KEY_ID_PREFIX",
  propagationSeconds: "RENDORIX_EDGE_PROPAGATION_SECONDS",
} as const;
