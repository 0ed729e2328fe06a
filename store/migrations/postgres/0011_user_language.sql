-- The language the bot speaks to each person: the one they chose with /language (NULL until
-- they choose), and the one their Telegram was last seen set to, so that notices sent while
-- they are away are in their language too.
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN telegram_language TEXT;
