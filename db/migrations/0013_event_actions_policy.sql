-- An event's timeline is visible where the event is. The first policy said so with
-- `event_id IN (SELECT id FROM events)`, which the planner runs as a hashed subplan over every
-- visible event — 5 million at city scale, 3.6 s for one event's timeline. A correlated EXISTS
-- looks up the one event by its primary key (the events policy applies inside it as before).
ALTER POLICY event_actions_area ON event_actions
  USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_actions.event_id))
  WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_actions.event_id));
