import { useQuery } from '@tanstack/react-query'
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Header } from './components/Header.tsx'
import { HealthGate } from './components/HealthGate.tsx'
import { Legend } from './components/Legend.tsx'
import { UsersPage } from './features/admin/UsersPage.tsx'
import { AuditPage } from './features/audit/AuditPage.tsx'
import { AuthGate } from './features/auth/AuthGate.tsx'
import { useSession } from './features/auth/session.ts'
import { FeaturePanel } from './features/details/FeaturePanel.tsx'
import { GridDetailCard } from './features/grids/GridDetailCard.tsx'
import { GridSearchBox } from './features/grids/GridSearch.tsx'
import { GridTree } from './features/grids/GridTree.tsx'
import { IntakePage } from './features/intake/IntakePage.tsx'
import { KpiPage } from './features/kpi/KpiPage.tsx'
import { LayerPanel } from './features/layers/LayerPanel.tsx'
import { TimeSlider } from './features/layers/TimeSlider.tsx'
import { useLayerData } from './features/layers/use-layer-data.ts'
import { LoopAdminPage } from './features/loop-admin/LoopAdminPage.tsx'
import { PeoplePage } from './features/people/PeoplePage.tsx'
import { MapSearchResults } from './features/search/MapSearchResults.tsx'
import { WorkbenchPage } from './features/workbench/WorkbenchPage.tsx'
import { useLiveEvents } from './hooks/use-live.ts'
import { useViewState } from './hooks/use-view-state.ts'
import { DEFAULT_LANG, I18nProvider, isLang, type Lang, useI18n } from './i18n/index.ts'
import { type Bbox, isValidBbox, unionBbox } from './lib/bbox.ts'
import type { FeatureRef } from './lib/feature-ref.ts'
import type { MapLayers } from './lib/map-layers.ts'
import { allowedPage, type Page, pagesFor } from './lib/pages.ts'
import type { DayRange } from './lib/time-window.ts'
import type { Theme, ViewState } from './lib/url-state.ts'
import {
  type CameraRequest,
  type MapCamera,
  MapView,
  type PickedArea,
  type PickedFeature,
} from './map/MapView.tsx'
import { errorMessage, type GridNode, trpc } from './trpc.ts'

/** The map refetches live changes at most this often (tiles are dearer than a queue). */
const MAP_LIVE_GAP_MS = 5000

/** Areas flown to are never zoomed in beyond this, however small they are. */
const FIT_MAX_ZOOM = 17
/** Zoom a search hit on a building or an address is shown at. */
const PLACE_ZOOM = 17

type CameraCommand =
  | { kind: 'fit'; bbox: Bbox; maxZoom: number }
  | { kind: 'jump'; center: readonly [number, number]; zoom: number }

export function App() {
  const [camera, setCamera] = useState<CameraRequest | null>(null)
  const seq = useRef(0)
  const requestCamera = useCallback(
    (command: CameraCommand) => setCamera({ ...command, seq: ++seq.current }),
    [],
  )
  /** An area to fly to once its details (and so its bbox) arrive. */
  const pendingFit = useRef<string | null>(null)

  const { view, update, openedWithCamera } = useViewState((next, previous) => {
    const moved = next.zoom !== previous.zoom || next.center.some((value, i) => value !== previous.center[i])
    if (moved) requestCamera({ kind: 'jump', center: next.center, zoom: next.zoom })
    else if (next.grid && next.grid !== previous.grid) pendingFit.current = next.grid
  })
  // Opened with a selection but no position: fly to the selection once it loads.
  const started = useRef(false)
  if (!started.current) {
    started.current = true
    if (view.grid && !openedWithCamera) pendingFit.current = view.grid
  }

  const lang: Lang = isLang(view.lang) ? view.lang : DEFAULT_LANG
  useEffect(() => {
    document.documentElement.dataset.theme = view.theme
    document.documentElement.lang = lang
  }, [view.theme, lang])

  const setTheme = useCallback((theme: Theme) => update({ theme }), [update])
  const setLang = useCallback((lang: Lang) => update({ lang }), [update])

  return (
    <I18nProvider lang={lang}>
      <DocumentTitle />
      <HealthGate>
        <AuthGate theme={view.theme} onThemeChange={setTheme} onLangChange={setLang}>
          <Shell
            view={view}
            update={update}
            openedWithCamera={openedWithCamera}
            camera={camera}
            requestCamera={requestCamera}
            pendingFit={pendingFit}
            onThemeChange={setTheme}
            onLangChange={setLang}
          />
        </AuthGate>
      </HealthGate>
    </I18nProvider>
  )
}

interface ShellProps extends WorkspaceProps {
  onThemeChange: (theme: Theme) => void
  onLangChange: (lang: Lang) => void
}

/**
 * The signed-in app: the header with the pages this user may open, and the page. The map stays
 * mounted (hidden) once opened, so coming back to it finds it as it was left.
 */
function Shell({ onThemeChange, onLangChange, ...workspace }: ShellProps) {
  const { me } = useSession()
  const { view, update } = workspace
  const pages = useMemo(() => pagesFor(me.permissions), [me.permissions])
  const page = allowedPage(view.page, me.permissions)
  const [mapOpened, setMapOpened] = useState(page === 'map')
  if (page === 'map' && !mapOpened) setMapOpened(true)
  // A link to a page this user may not open shows the map, and the hash says so.
  useEffect(() => {
    if (page !== view.page) update({ page })
  }, [page, view.page, update])
  const setPage = useCallback((next: Page) => update({ page: next }), [update])
  // The workbench's open event is the URL's `feature=event:<id>`, so a link opens it.
  const openEvent = useCallback(
    (id: number | null) => update({ page: 'workbench', feature: id === null ? null : { kind: 'event', id } }),
    [update],
  )
  const workbenchEvent = view.feature?.kind === 'event' ? view.feature.id : null

  return (
    <div className="app" data-page={page}>
      <Header
        theme={view.theme}
        onThemeChange={onThemeChange}
        onLangChange={onLangChange}
        pages={pages}
        page={page}
        onPageChange={setPage}
      />
      {mapOpened && <Workspace {...workspace} hidden={page !== 'map'} />}
      {page === 'workbench' && (
        <WorkbenchPage theme={view.theme} eventId={workbenchEvent} onOpenEvent={openEvent} />
      )}
      {page === 'intake' && <IntakePage theme={view.theme} onOpenEvent={openEvent} />}
      {page === 'kpi' && <KpiPage theme={view.theme} />}
      {page === 'people' && <PeoplePage gridCode={view.grid} />}
      {page === 'users' && <UsersPage />}
      {page === 'loop-admin' && <LoopAdminPage />}
      {page === 'audit' && <AuditPage />}
    </div>
  )
}

function DocumentTitle() {
  const { t } = useI18n()
  useEffect(() => {
    document.title = t('app.title')
  }, [t])
  return null
}

interface WorkspaceProps {
  view: ViewState
  update: (patch: Partial<ViewState>) => void
  openedWithCamera: boolean
  camera: CameraRequest | null
  requestCamera: (command: CameraCommand) => void
  pendingFit: { current: string | null }
}

function Workspace({
  view,
  update,
  openedWithCamera,
  camera,
  requestCamera,
  pendingFit,
  hidden,
}: WorkspaceProps & { hidden: boolean }) {
  const { t } = useI18n()
  const [query, setQuery] = useState('')
  const [zoom, setZoom] = useState(view.zoom)
  const [initialCamera] = useState<MapCamera>(() => ({ center: view.center, zoom: view.zoom }))

  // Opened without a position or a selection: show the whole area the user is responsible for.
  const roots = useQuery(trpc.grid.children.queryOptions({ parentId: null }))
  const fittedRoots = useRef(openedWithCamera || view.grid !== null)
  useEffect(() => {
    if (fittedRoots.current || !roots.data?.length) return
    fittedRoots.current = true
    const boxes = roots.data.map((node) => node.bbox).filter(isValidBbox)
    const [first, ...rest] = boxes
    if (first) requestCamera({ kind: 'fit', bbox: rest.reduce(unionBbox, first), maxZoom: 12 })
  }, [roots.data, requestCamera])

  const detail = useQuery({
    ...trpc.grid.get.queryOptions({ code: view.grid ?? '' }),
    enabled: view.grid !== null,
  })
  const detailData = view.grid !== null && detail.data?.code === view.grid ? detail.data : undefined
  useEffect(() => {
    if (!detailData || pendingFit.current !== detailData.code) return
    pendingFit.current = null
    if (isValidBbox(detailData.bbox))
      requestCamera({ kind: 'fit', bbox: detailData.bbox, maxZoom: FIT_MAX_ZOOM })
  }, [detailData, pendingFit, requestCamera])

  const selectNode = useCallback(
    (node: Pick<GridNode, 'code' | 'bbox'>) => {
      pendingFit.current = null
      update({ grid: node.code })
      if (isValidBbox(node.bbox)) requestCamera({ kind: 'fit', bbox: node.bbox, maxZoom: FIT_MAX_ZOOM })
    },
    [update, requestCamera, pendingFit],
  )
  const selectCode = useCallback(
    (code: string) => {
      pendingFit.current = code
      update({ grid: code })
    },
    [update, pendingFit],
  )
  const selectSearchHit = useCallback(
    (node: Pick<GridNode, 'code' | 'bbox'>) => {
      setQuery('')
      selectNode(node)
    },
    [selectNode],
  )
  const pickOnMap = useCallback((area: PickedArea) => update({ grid: area.code }), [update])
  const clearSelection = useCallback(() => update({ grid: null }), [update])
  const viewPeople = useCallback(() => update({ page: 'people' }), [update])
  const { me } = useSession()
  const onCameraChange = useCallback(
    (next: MapCamera) => update({ center: next.center, zoom: next.zoom }),
    [update],
  )
  // Floored like the tile zoom, so the legend names the levels the tiles hold.
  const onZoom = useCallback((next: number) => setZoom(Math.floor(next * 10) / 10), [])
  const reveal = useMemo(() => detailData?.ancestors.map((ancestor) => ancestor.id) ?? [], [detailData])
  const searching = query.trim().length > 0

  // The one map's layers (features/layers): state in the URL, data from map.meta/map.counts.
  const [bounds, setBounds] = useState<Bbox | null>(null)
  const layerData = useLayerData(view.layers, bounds)
  // Live (events.live): the counts and the events' tiles follow new events and every transition,
  // refetched at most every 5 s (an unattended wall display stays current).
  const live = useLiveEvents(me.permissions.includes('events.read') && view.layers.on.events, {
    gapMs: MAP_LIVE_GAP_MS,
  })
  const setLayers = useCallback((layers: MapLayers) => update({ layers }), [update])
  const setTime = useCallback(
    (time: DayRange | null) => update({ layers: { ...view.layers, time } }),
    [update, view.layers],
  )
  const pickFeature = useCallback(
    ({ kind, id }: PickedFeature) => update({ feature: { kind, id } }),
    [update],
  )
  const openFeature = useCallback((feature: FeatureRef) => update({ feature }), [update])
  const closeFeature = useCallback(() => update({ feature: null }), [update])
  // A search hit that is a place (address, building, person's home, organisation, event): fly
  // there close enough to see the building, and open its details.
  const selectSearchPlace = useCallback(
    (center: readonly [number, number], feature: FeatureRef | null) => {
      setQuery('')
      requestCamera({ kind: 'jump', center, zoom: Math.max(zoom, PLACE_ZOOM) })
      if (feature) update({ feature })
    },
    [requestCamera, update, zoom],
  )

  return (
    <div className="workspace" hidden={hidden}>
      <aside className="side-panel">
        <div className="panel-search">
          <GridSearchBox value={query} onChange={setQuery} />
        </div>
        <h2 className="panel-title">{searching ? t('search.results') : t('tree.title')}</h2>
        <div className="panel-scroll">
          {searching && (
            <MapSearchResults
              query={query}
              onSelectGrid={selectSearchHit}
              onSelectPlace={selectSearchPlace}
            />
          )}
          <div hidden={searching}>
            <MemoTree selectedCode={view.grid} reveal={reveal} onSelect={selectNode} />
          </div>
        </div>
        {view.grid !== null && (
          <GridDetailCard
            detail={detailData}
            loading={detail.isFetching}
            error={detail.isError ? errorMessage(detail.error) : null}
            onClose={clearSelection}
            onSelectCode={selectCode}
            onViewPeople={me.permissions.includes('people.read') ? viewPeople : undefined}
          />
        )}
        {view.feature !== null && (
          <FeaturePanel
            feature={view.feature}
            onClose={closeFeature}
            onOpen={openFeature}
            onSelectGrid={selectCode}
          />
        )}
      </aside>
      <main className="map-area">
        <MapView
          theme={view.theme}
          initialCamera={initialCamera}
          camera={camera}
          selectedGeometry={detailData?.geometry ?? null}
          onCameraChange={onCameraChange}
          onZoom={onZoom}
          onPick={pickOnMap}
          layers={view.layers}
          can={layerData.can}
          categories={layerData.categories}
          basemap={layerData.basemap.basemap}
          eventPoints={layerData.points.points}
          liveRevision={live.revision}
          selectedFeature={view.feature}
          onPickFeature={pickFeature}
          onBoundsChange={setBounds}
        />
        <Legend theme={view.theme} zoom={zoom} />
        <LayerPanel
          layers={view.layers}
          onChange={setLayers}
          zoom={zoom}
          theme={view.theme}
          categories={layerData.categories}
          canTags={layerData.can.tags}
          counts={layerData.counts}
          points={layerData.points}
          basemapConfigured={layerData.basemap.configured !== 'none'}
          basemapError={layerData.basemap.error}
        />
        {view.layers.on.events && (
          <TimeSlider extent={layerData.extent} value={view.layers.time} onChange={setTime} />
        )}
      </main>
    </div>
  )
}

const MemoTree = memo(GridTree)
