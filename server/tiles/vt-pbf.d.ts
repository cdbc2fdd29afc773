declare module 'vt-pbf' {
  interface Feature {
    type: 1 | 2 | 3
    geometry: [number, number][][] | [number, number][]
    tags: Record<string, string | number | boolean>
    id?: number
  }
  export function fromGeojsonVt(
    layers: Record<string, { features: Feature[] }>,
    options?: { version?: number; extent?: number },
  ): Uint8Array
}
