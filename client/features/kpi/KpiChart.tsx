import { BarChart, LineChart } from 'echarts/charts'
import {
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components'
import { type EChartsType, init, use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { type CSSProperties, type ReactNode, useEffect, useRef, useState } from 'react'
import { chartFontSize, type KpiChartOption } from './kpi-charts.ts'

// Only what the KPI charts draw: bars, lines, axes, legend, tooltip, zoom; on canvas.
use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  CanvasRenderer,
])

function remPx(): number {
  const px = Number.parseFloat(getComputedStyle(document.documentElement).fontSize)
  return Number.isFinite(px) && px > 0 ? px : 16
}

interface KpiChartProps {
  /** data-testid `kpi-chart-<name>`. */
  name: string
  title: string
  /** A note under the title. */
  note?: string | undefined
  /** The option for a base font size in px; keep it stable (useCallback) so the chart redraws only on change. */
  build: (font: number) => KpiChartOption
  /** Shown over the chart instead of it (no data, loading, error). */
  overlay?: ReactNode
  /** Extra style of the drawing area (e.g. a height that follows the number of bars). */
  style?: CSSProperties
  busy?: boolean
}

/**
 * One ECharts chart in a card. It is drawn on a canvas that follows its container (ResizeObserver),
 * with fonts that scale with it (chartFontSize), and disposed when the card goes.
 */
export function KpiChart({ name, title, note, build, overlay, style, busy }: KpiChartProps) {
  const host = useRef<HTMLDivElement>(null)
  const chart = useRef<EChartsType | null>(null)
  const [font, setFont] = useState(0)

  useEffect(() => {
    const el = host.current
    if (!el) return
    const instance = init(el, null, { renderer: 'canvas' })
    chart.current = instance
    const measure = () => {
      setFont(chartFontSize(el.clientWidth, remPx()))
      if (el.clientWidth > 0 && el.clientHeight > 0) instance.resize()
    }
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    measure()
    return () => {
      observer.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    if (font > 0) chart.current?.setOption(build(font), { notMerge: true, lazyUpdate: true })
  }, [build, font])

  return (
    <figure className="kpi-chart" data-testid={`kpi-chart-${name}`} aria-busy={busy ?? false}>
      <figcaption className="kpi-chart-title">
        <span>{title}</span>
        {note && <span className="kpi-chart-note">{note}</span>}
      </figcaption>
      <div className="kpi-chart-body" style={style}>
        <div
          ref={host}
          className="kpi-chart-host"
          role="img"
          aria-label={title}
          data-font={font || undefined}
        />
        {overlay && <div className="kpi-chart-overlay">{overlay}</div>}
      </div>
    </figure>
  )
}
