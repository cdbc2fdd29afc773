// Boots the database-preparation worker under tsx, so it runs TypeScript like the server does.
import { register } from 'tsx/esm/api'

register()
await import('./prepare-worker.ts')
