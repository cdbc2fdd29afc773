/** Square metres to square kilometres with precision that suits the size of the area. */
export function areaKm2(areaM2: number): { value: number; digits: number } {
  const km2 = areaM2 / 1_000_000
  const digits = km2 >= 100 ? 0 : km2 >= 1 ? 2 : km2 >= 0.01 ? 3 : 4
  const factor = 10 ** digits
  return { value: Math.round(km2 * factor) / factor, digits }
}
