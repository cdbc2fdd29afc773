import { useI18n } from '../../i18n/index.ts'
import { css } from '../../map/layer-colours.ts'
import type { LegendEntry } from '../../map/layers/layer-definition.ts'

/** The swatches of one layer's legend (layers/<kind>-layer.ts `legend`). */
export function LayerLegend({ entries, testId }: { entries: readonly LegendEntry[]; testId: string }) {
  const { t } = useI18n()
  return (
    <ul className="layer-legend" data-testid={testId}>
      {entries.map((entry) => {
        const label = 'key' in entry.label ? t(entry.label.key) : entry.label.text
        return (
          <li key={label} className="layer-legend-item">
            <Swatch entry={entry} />
            <span>{label}</span>
          </li>
        )
      })}
    </ul>
  )
}

function Swatch({ entry }: { entry: LegendEntry }) {
  const colour = css(entry.colour)
  switch (entry.swatch) {
    case 'dot':
      return (
        <svg className="layer-swatch" viewBox="0 0 20 10" aria-hidden="true">
          <circle cx="10" cy="5" r="3.6" fill={colour} />
        </svg>
      )
    case 'ring':
      return (
        <svg className="layer-swatch" viewBox="0 0 20 10" aria-hidden="true">
          <circle cx="10" cy="5" r="3.4" fill="none" stroke={colour} strokeWidth="2" />
        </svg>
      )
    case 'fill':
      return (
        <svg className="layer-swatch" viewBox="0 0 20 10" aria-hidden="true">
          <rect x="2" y="1" width="16" height="8" rx="1.5" fill={css(entry.colour, 0.55)} stroke={colour} />
        </svg>
      )
    case 'line':
      return (
        <svg className="layer-swatch" viewBox="0 0 20 10" aria-hidden="true">
          <line x1="1" y1="5" x2="19" y2="5" stroke={colour} strokeWidth="2" strokeLinecap="round" />
        </svg>
      )
    case 'ramp': {
      const ramp = entry.ramp ?? [entry.colour]
      const w = 40 / ramp.length
      return (
        <svg className="layer-swatch ramp" viewBox="0 0 40 10" aria-hidden="true">
          {ramp.map((c, i) => (
            <rect
              key={c.join()}
              x={i * w}
              y="1"
              width={w + 0.3}
              height="8"
              fill={css(c, 0.35 + (0.65 * (i + 1)) / ramp.length)}
            />
          ))}
        </svg>
      )
    }
  }
}
