// A directory tree the way `tree -p` draws it, with each directory's mode and owner and each file's size.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Style } from './terminal.ts';

function modeString(mode: number, isDir: boolean, isLink: boolean): string {
  const bits = 'rwxrwxrwx';
  let text = isLink ? 'l' : isDir ? 'd' : '-';
  for (let i = 0; i < 9; i++) text += mode & (0o400 >> i) ? bits[i] : '-';
  return text;
}

function sizeString(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export interface TreeSummary {
  lines: string[];
  directories: number;
  files: number;
  /** Every path below the root, relative, sorted (for comparing two trees). */
  paths: string[];
}

/** Draws the tree under `root`, labelled `label`. Never follows symbolic links. */
export async function renderTree(root: string, label: string, style: Style): Promise<TreeSummary> {
  const lines = [style.bold(label)];
  const paths: string[] = [];
  let directories = 0;
  let files = 0;
  const walk = async (dir: string, rel: string, prefix: string): Promise<void> => {
    const names = (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [index, name] of names.entries()) {
      const last = index === names.length - 1;
      const full = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const info = await lstat(full);
      const isDir = info.isDirectory();
      paths.push(relPath);
      const meta = `[${modeString(info.mode, isDir, info.isSymbolicLink())} ${info.uid}:${info.gid}${isDir ? '' : ` ${sizeString(info.size)}`}]`;
      lines.push(
        `${prefix}${last ? '└── ' : '├── '}${style.dim(meta)} ${isDir ? style.cyan(`${name}/`) : name}`,
      );
      if (isDir) {
        directories++;
        await walk(full, relPath, `${prefix}${last ? '    ' : '│   '}`);
      } else {
        files++;
      }
    }
  };
  await walk(root, '', '');
  lines.push(
    '',
    style.dim(
      `${directories} director${directories === 1 ? 'y' : 'ies'}, ${files} file${files === 1 ? '' : 's'}`,
    ),
  );
  return { lines, directories, files, paths };
}
