/** A refused administrative change, with a message for people (zh / en) and a code for callers. */
export class AccessError extends Error {
  constructor(
    readonly code:
      | 'bad_input'
      | 'unknown_role'
      | 'unknown_area'
      | 'exists'
      | 'not_found'
      | 'outside_area'
      | 'unknown_org'
      | 'not_department'
      | 'no_department'
      | 'self',
    message: string,
  ) {
    super(message)
    this.name = 'AccessError'
  }
}
