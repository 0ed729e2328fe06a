-- A live card's buttons (a digest, '' when unknown) and the older copies of it in the same
-- chat that still carry exactly those buttons: reopening an unchanged card leaves the copy
-- above as it is instead of editing it, and the copies lose their buttons together the
-- moment the live one's change.

ALTER TABLE cards ADD COLUMN buttons TEXT NOT NULL DEFAULT '';
ALTER TABLE cards ADD COLUMN twins TEXT NOT NULL DEFAULT '';
