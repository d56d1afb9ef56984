import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { cleanStrings, TooDeeplyNested } from "../../domain/text/clean-text.js";

/**
 * The body parsers of every route (issue 11 point 9): the parsed body's strings are cleaned (no NUL or other
 * C0 control, no unpaired surrogate; src/domain/text/clean-text.ts) before any handler sees them, so bad
 * characters never reach the store (PostgreSQL refuses NUL) and never cause a 500.
 */
const cleanBody: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  try {
    req.body = cleanStrings(req.body);
    next();
  } catch (e) {
    if (!(e instanceof TooDeeplyNested)) throw e;
    res.status(400).json({ error: "Malformed request: the body is nested too deeply." });
  }
};

/** JSON bodies (`type`: the media types parsed; application/json by default), cleaned. */
export const jsonBody = (o: { limit: string; type?: string[] }): RequestHandler[] => [express.json(o), cleanBody];

/** HTML form bodies (application/x-www-form-urlencoded), cleaned. */
export const formBody = (o: { limit: string }): RequestHandler[] => [express.urlencoded({ extended: false, ...o }), cleanBody];
