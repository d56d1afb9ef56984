import express, { type Request, type Response } from "express";
import { cleanStrings, TooDeeplyNested } from "../../domain/text/clean-text.js";

/**
 * The body parsers of every route (issue 11 point 9): the parsed body's strings are cleaned (no NUL or other
 * C0 control, no unpaired surrogate; src/domain/text/clean-text.ts) before any handler sees them, so bad
 * characters never reach the store (PostgreSQL refuses NUL) and never cause a 500.
 */
/** A body parser's type (connect's middleware: it does not narrow the route's params as RequestHandler would). */
type BodyParser = ReturnType<typeof express.json>;

function cleaned(parse: BodyParser): BodyParser {
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        (req as Request).body = cleanStrings((req as Request).body);
      } catch (e) {
        if (!(e instanceof TooDeeplyNested)) return next(e);
        (res as Response).status(400).json({ error: "Malformed request: the body is nested too deeply." });
        return;
      }
      next();
    });
}

/** JSON bodies (`type`: the media types parsed; application/json by default), cleaned. */
export const jsonBody = (o: { limit: string; type?: string[] }): BodyParser => cleaned(express.json(o));

/** HTML form bodies (application/x-www-form-urlencoded), cleaned. */
export const formBody = (o: { limit: string }): BodyParser => cleaned(express.urlencoded({ extended: false, ...o }));
