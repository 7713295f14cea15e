/**
 * A toolbar command's life in the page: running (its button disabled), then
 * done (said, role=status) or refused (the console's error words, role=alert).
 * One at a time per toolbar: the agent sees the answer of what they did last.
 */

import { useCallback, useState } from 'preact/hooks';

export interface CommandState {
  /** The command running now (its key), if any. */
  busy?: string;
  /** The last command that went through (its key). */
  done?: string;
  error?: unknown;
}

export function useCommand(): [CommandState, (key: string, run: () => Promise<unknown>) => Promise<boolean>] {
  const [state, setState] = useState<CommandState>({});
  const run = useCallback(async (key: string, command: () => Promise<unknown>) => {
    setState({ busy: key });
    try {
      await command();
      setState({ done: key });
      return true;
    } catch (error) {
      setState({ error });
      return false;
    }
  }, []);
  return [state, run];
}
