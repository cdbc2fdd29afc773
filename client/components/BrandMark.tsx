/** The product mark: a globe-like grid in a hexagon ("one map, one net"). */
export function BrandMark({ className }: { className?: string }) {
  return (
    <svg className={className} viewBox="0 0 48 48" aria-hidden="true" focusable="false">
      <path d="M24 3 42 13.5v21L24 45 6 34.5v-21Z" fill="none" stroke="currentColor" strokeWidth="2.4" />
      <circle cx="24" cy="24" r="11" fill="none" stroke="currentColor" strokeWidth="2" />
      <path
        d="M13 24h22M24 13v22M16.5 16.5c4.5 3 10.5 3 15 0M16.5 31.5c4.5-3 10.5-3 15 0"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
      />
      <circle cx="24" cy="24" r="2.6" fill="currentColor" />
    </svg>
  )
}
