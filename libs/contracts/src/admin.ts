// Administration views (tokens, audit log) shared by api and web. Plain types only.
export {};
