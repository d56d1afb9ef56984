/** The managers' tab (issue 15 point 1): Fluent UI v9 in the host's theme; the list (point 5) and the counted figures. */
import { FluentProvider, makeStaticStyles, makeStyles, Tab, TabList, teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme, Title2, tokens } from "@fluentui/react-components";
import { useEffect, useMemo, useState } from "react";
import { apiClient, filtersFromRoute, ZOpenStrats, type GetJson, type OpenStrats } from "./api.js";
import { Dashboard } from "./Dashboard.js";
import { Figures } from "./Figures.js";
import type { Host, ThemeName } from "./host.js";
import { viewOf } from "./routes.js";
import { SignIn } from "./SignIn.js";
import { StratList } from "./StratList.js";
import { StratView } from "./StratView.js";

const THEMES = { light: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme } as const;

const useBodyStyles = makeStaticStyles({ body: { margin: 0 } });
const useStyles = makeStyles({
  page: { minHeight: "100vh", backgroundColor: tokens.colorNeutralBackground2 },
  main: { maxWidth: "1200px", margin: "0 auto", padding: "24px", display: "flex", flexDirection: "column", gap: "16px" },
});

/** `#/strat/SD-…` opens a strat (StratView); anything else is the list. */
export function routeOf(hash: string): { strat: string | null } {
  const m = /^#\/strat\/(SD-[0-9]{4}-[0-9]{4,})$/.exec(hash);
  return { strat: m?.[1] ?? null };
}

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return hash;
}

/** The open strats with their countdowns, and who is asking (GET /api/tab/strats), refreshed every 30 s. */
function useOpenStrats(get: GetJson): { open: OpenStrats | null; error: string | null } {
  const [state, setState] = useState<{ open: OpenStrats | null; error: string | null }>({ open: null, error: null });
  useEffect(() => {
    const load = () => get("/api/tab/strats", ZOpenStrats).then((open) => setState({ open, error: null }), (e: Error) => setState((s) => ({ ...s, error: e.message })));
    void load();
    const timer = setInterval(load, 30_000);
    return () => clearInterval(timer);
  }, [get]);
  return state;
}

export function App({ host }: { host: Host }) {
  const [theme, setTheme] = useState<ThemeName>(host.theme);
  useEffect(() => host.onThemeChange(setTheme), [host]);
  const get = useMemo(() => apiClient(host.token), [host]);
  const { open, error } = useOpenStrats(get);
  const hash = useHash();
  const route = routeOf(hash);
  const view = viewOf(hash);
  useBodyStyles();
  const styles = useStyles();
  return (
    // The page's look on a box of its own: the provider's classes go on its portals too (tooltips, a dropdown's list),
    // which a full-height background would stretch over the page.
    <FluentProvider theme={THEMES[theme]}>
      <div className={styles.page}>
        <main className={styles.main}>
          {route.strat ? (
            <StratView get={get} strat={route.strat} />
          ) : (
            <>
              <Title2 as="h1">Strategy discussions</Title2>
              <SignIn viewer={open?.viewer ?? null} devSignIn={host.name === null} />
              <TabList selectedValue={view.view} onTabSelect={(_, d) => (window.location.hash = d.value === "list" ? "#/list" : "#/")} aria-label="Views">
                <Tab value="dashboard">Dashboard</Tab>
                <Tab value="list">Strats</Tab>
              </TabList>
              {view.view === "dashboard" ? <Dashboard get={get} query={view.query} /> : (
                <>
                  <StratList key={view.query} get={get} open={open} openError={error} initial={filtersFromRoute(view.query)} token={host.name === null ? null : host.token} />
                  <Figures get={get} />
                </>
              )}
            </>
          )}
        </main>
      </div>
    </FluentProvider>
  );
}
