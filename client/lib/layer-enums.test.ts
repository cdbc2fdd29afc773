import { describe, expect, it } from 'vitest'
import { EVENT_SOURCES, EVENT_STATUSES } from '../../db/schema/events.ts'
import { ORG_KINDS } from '../../db/schema/orgs.ts'
import { PERSON_TAGS as SERVER_TAGS } from '../../db/schema/people.ts'
import { PUBLIC_PLACE_KINDS as SERVER_PLACES, BUILDING_USES as SERVER_USES } from '../../db/schema/places.ts'
import {
  THING_KINDS as SERVER_THING_KINDS,
  THING_STATUSES as SERVER_THING_STATUSES,
} from '../../db/schema/things.ts'
import * as client from './layer-enums.ts'

describe('the layer filters', () => {
  it("offer the server's values, in the server's order", () => {
    expect(client.EVENT_STATUSES).toEqual(EVENT_STATUSES)
    expect(client.EVENT_SOURCES).toEqual(EVENT_SOURCES)
    expect(client.THING_KINDS).toEqual(SERVER_THING_KINDS)
    expect(client.THING_STATUSES).toEqual(SERVER_THING_STATUSES)
    expect(client.PERSON_TAGS).toEqual(SERVER_TAGS)
    expect(client.BUILDING_USES).toEqual(SERVER_USES)
    expect(client.PUBLIC_PLACE_KINDS).toEqual(SERVER_PLACES)
  })

  it('leave departments off the map', () => {
    expect(client.MAP_ORG_KINDS).toEqual(ORG_KINDS.filter((kind) => kind !== 'department'))
  })
})
