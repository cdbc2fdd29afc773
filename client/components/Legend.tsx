import { useI18n } from '../i18n/index.ts'
import { LEVELS, levelShownAt } from '../lib/levels.ts'
import type { Theme } from '../lib/url-state.ts'
import { PALETTES } from '../map/palette.ts'

const rgba = ([r, g, b, a]: readonly number[]) => `rgba(${r}, ${g}, ${b}, ${(a ?? 255) / 255})`

/** The boundary styles by level, with the levels on screen at this zoom marked. */
export function Legend({ theme, zoom }: { theme: Theme; zoom: number }) {
  const { t, level: levelName, number } = useI18n()
  const palette = PALETTES[theme]
  const shown = levelShownAt(zoom)
  return (
    <section className="legend" data-testid="legend" aria-label={t('map.legend')}>
      <header className="legend-header">
        <span>{t('map.legend')}</span>
        <span className="legend-zoom" data-testid="map-zoom">
          {t('map.zoom', { zoom: number(zoom, 1) })}
        </span>
      </header>
      <ul>
        {LEVELS.map((level) => {
          const { color, width, dash } = palette.line[level]
          const active = level === shown || level === shown - 1
          return (
            <li
              key={level}
              className={active ? 'legend-item active' : 'legend-item'}
              aria-current={level === shown}
            >
              <svg className="legend-swatch" viewBox="0 0 28 10" aria-hidden="true">
                <line
                  x1="1"
                  y1="5"
                  x2="27"
                  y2="5"
                  stroke={color}
                  strokeWidth={Math.max(1, width * 1.2)}
                  strokeDasharray={dash ? dash.map((d) => d * width * 1.5).join(' ') : undefined}
                  strokeLinecap="round"
                />
              </svg>
              <span>{levelName(level)}</span>
            </li>
          )
        })}
        <li className="legend-item active">
          <svg className="legend-swatch" viewBox="0 0 28 10" aria-hidden="true">
            <rect
              x="1.5"
              y="1.5"
              width="25"
              height="7"
              rx="1.5"
              fill={rgba(palette.selectedFill)}
              stroke={rgba(palette.selectedLine)}
              strokeWidth="2"
            />
          </svg>
          <span>{t('map.legend.selected')}</span>
        </li>
      </ul>
    </section>
  )
}
