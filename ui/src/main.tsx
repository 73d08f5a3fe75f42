// Entry point: mounts the window. No inline script anywhere (the CSP forbids it).
import { render } from "preact";
import { App } from "./App";
import "./styles.css";

render(<App />, document.getElementById("app")!);
