import { useCallback, useEffect, useRef, useState } from 'react'
import { DEFAULT_LANG, LANGS } from '../i18n/index.ts'
import { DEFAULT_LAYERS, decodeViewState, encodeViewState, type ViewState } from '../lib/url-state.ts'

/** The whole city, until the server's hierarchy says where exactly it is. */
export const DEFAULT_VIEW: ViewState = {
  page: 'map',
  center: [122.1, 37.2],
  zoom: 8.4,
  grid: null,
  feature: null,
  layers: DEFAULT_LAYERS,
  theme: 'dark',
  lang: DEFAULT_LANG,
}

const read = () => decodeViewState(window.location.hash, DEFAULT_VIEW, LANGS)

/**
 * The view kept in the URL hash. `update` changes it and rewrites the hash without adding history
 * entries (a pan is not a page); an edited or pasted hash comes back through `onExternalChange`.
 */
export function useViewState(onExternalChange: (next: ViewState, previous: ViewState) => void) {
  const [view, setView] = useState<ViewState>(read)
  /** Whether the page was opened with a camera position, which then wins over fitting the city. */
  const [openedWithCamera] = useState(() => /(^#|&)map=/.test(window.location.hash))
  const viewRef = useRef(view)
  viewRef.current = view
  const external = useRef(onExternalChange)
  external.current = onExternalChange

  useEffect(() => {
    const hash = encodeViewState(view)
    if (hash !== window.location.hash) window.history.replaceState(window.history.state, '', hash)
  }, [view])

  useEffect(() => {
    const onHashChange = () => {
      const next = read()
      const previous = viewRef.current
      if (encodeViewState(next) === encodeViewState(previous)) return
      setView(next)
      external.current(next, previous)
    }
    window.addEventListener('hashchange', onHashChange)
    return () => window.removeEventListener('hashchange', onHashChange)
  }, [])

  const update = useCallback(
    (patch: Partial<ViewState>) => setView((current) => ({ ...current, ...patch })),
    [],
  )
  return { view, update, openedWithCamera }
}
