import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PDN_GATEWAY_EXEC_ARGV, REPO_ROOT } from './gateways-under-test.js';

/** The CMD of the Dockerfile's gateway stage, as its JSON array. */
function gatewayCommand(): string[] {
  const dockerfile = readFileSync(join(REPO_ROOT, 'deploy/docker/Dockerfile'), 'utf8');
  const stage = dockerfile.slice(dockerfile.indexOf('AS gateway'));
  const cmd = /^CMD (\[.*\])$/m.exec(stage);
  if (!cmd) throw new Error('no CMD in the gateway stage of deploy/docker/Dockerfile');
  return JSON.parse(cmd[1]!) as string[];
}

describe('our gateway in the benchmark', () => {
  it('should run with the node flags it is deployed with', () => {
    expect(gatewayCommand()).toEqual(['node', ...PDN_GATEWAY_EXEC_ARGV, 'dist/main.js']);
  });
});
