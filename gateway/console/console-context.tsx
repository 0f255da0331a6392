import { createContext, useContext } from 'react';
import type { FormattedExecutionResult } from 'graphql';
import type { SignedInMember } from './session.js';

export interface ConsoleState {
  member: SignedInMember | undefined;
  /** The last result of each operation run, by operation name. */
  results: ReadonlyMap<string, FormattedExecutionResult>;
}

export const ConsoleContext = createContext<ConsoleState>({ member: undefined, results: new Map() });

export const useConsole = () => useContext(ConsoleContext);
