/** Who is signed in, and outside a Microsoft 365 host the development sign-in (local mode, GET /tab/dev-signin). */
import { Button, Field, Input, makeStyles, Select, Text } from "@fluentui/react-components";
import type { Viewer } from "./api.js";
import { ROLE_WORDS } from "./words.js";

const useStyles = makeStyles({ form: { display: "flex", gap: "12px", alignItems: "end", flexWrap: "wrap" } });

export function SignIn({ viewer, devSignIn }: { viewer: Viewer | null; devSignIn: boolean }) {
  const styles = useStyles();
  return (
    <>
      <Text as="p" aria-live="polite" id="viewer">{viewer ? `Signed in as ${viewer.name ?? "you"} (${ROLE_WORDS[viewer.role]}).` : ""}</Text>
      {devSignIn && (
        // The server refuses it except in local mode, from this machine; it sets a cookie and comes back here.
        <form className={styles.form} action="/tab/dev-signin" method="get" aria-label="Development sign-in">
          <Field label="Sign in as">
            <Select name="role" defaultValue="head">
              <option value="chair">Chair</option>
              <option value="manager">Manager</option>
              <option value="head">Head of service</option>
            </Select>
          </Field>
          <Field label="Id (optional)">
            <Input name="oid" placeholder="the chair's or manager's id" maxLength={128} />
          </Field>
          <Button type="submit">Sign in (development)</Button>
        </form>
      )}
    </>
  );
}
