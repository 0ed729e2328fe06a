-- Facts about the engine itself, such as which deadline rules the pending rows were
-- derived under (so a change of windows between runs re-derives them at start).
CREATE TABLE engine_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
