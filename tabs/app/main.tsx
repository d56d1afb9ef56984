import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { detectHost } from "./host.js";

const root = document.getElementById("root");
if (root) {
  const host = await detectHost(window.location.search);
  createRoot(root).render(<App host={host} />);
}
