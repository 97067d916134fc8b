// A tiny model of Nginx config text, so that every rendered directive carries its reason and the
// blocks in blocks/ stay declarative. Rendering is pure string work; nothing here knows gptsite.

export type Line =
  | { kind: "directive"; text: string; why?: string }
  | { kind: "comment"; text: string }
  | { kind: "blank" }
  | { kind: "block"; head: string; body: Line[]; why?: string };

/** A directive (without the trailing `;`) and the reason it is there. */
export const d = (text: string, why?: string): Line => ({ kind: "directive", text, why });
export const comment = (text: string): Line => ({ kind: "comment", text });
export const blank: Line = { kind: "blank" };
export const block = (head: string, body: Line[], why?: string): Line => ({ kind: "block", head, body, why });

const RULE = "-".repeat(78);
const INDENT = "    ";
/** Reasons of consecutive directives line up, unless that would push them past this column. */
const WHY_COLUMN_MAX = 56;

/** h5bp's boxed title, an optional introduction, then the lines of one concern. */
export function section(title: string, intro: string[], lines: Line[]): Line[] {
  return [
    blank,
    comment(RULE),
    comment(`| ${title}`.padEnd(RULE.length - 1) + "|"),
    comment(RULE),
    ...intro.map(comment),
    ...lines,
  ];
}

export function render(lines: Line[], depth = 0): string {
  const pad = INDENT.repeat(depth);
  const out: string[] = [];
  const columns = whyColumns(lines, pad);
  for (const [index, line] of lines.entries()) {
    switch (line.kind) {
      case "blank":
        // Never two blank lines in a row, nor one right after an opening brace.
        if (out.length > 0 && out.at(-1) !== "" && !out.at(-1)!.endsWith("{")) out.push("");
        break;
      case "comment":
        out.push(line.text === "" ? `${pad}#` : `${pad}# ${line.text}`);
        break;
      case "directive":
        // A long directive may continue on further lines (log_format); they keep the indentation.
        out.push(withWhy(`${pad}${line.text.replaceAll("\n", `\n${pad}`)};`, line.why, columns[index]!));
        break;
      case "block":
        out.push(withWhy(`${pad}${line.head} {`, line.why, 0));
        if (line.body.length > 0) out.push(render(line.body, depth + 1));
        out.push(`${pad}}`);
        break;
      default:
        line satisfies never;
    }
  }
  while (out.at(-1) === "") out.pop();
  while (out[0] === "") out.shift();
  return out.join("\n");
}

function withWhy(text: string, why: string | undefined, column: number): string {
  if (!why) return text;
  return `${text.padEnd(column - 1)} # ${why}`;
}

/** For each line, the column its reason starts at: shared by a run of consecutive directives. */
function whyColumns(lines: Line[], pad: string): number[] {
  const columns = new Array<number>(lines.length).fill(0);
  let run: number[] = [];
  const close = () => {
    const fits = run.map((i) => pad.length + (lines[i] as { text: string }).text.length + 2).filter((w) => w <= WHY_COLUMN_MAX);
    const column = Math.max(0, ...fits);
    for (const i of run) columns[i] = column;
    run = [];
  };
  for (const [i, line] of lines.entries()) {
    if (line.kind === "directive" && !line.text.includes("\n")) run.push(i);
    else close();
  }
  close();
  return columns;
}

/**
 * A single-quoted Nginx string. `return` and `log_format` treat `$` as a variable, and the
 * quote/backslash would end or escape it, so texts we author must not contain them.
 */
export function quoted(text: string): string {
  if (/['\\$\n]/.test(text)) throw new Error(`nginx/conf: cannot quote ${JSON.stringify(text)}: it contains ', \\, $ or a newline`);
  return `'${text}'`;
}
