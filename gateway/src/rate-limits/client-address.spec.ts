import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { clientAddress, counterAddress } from './client-address.js';

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('should use the socket\'s peer and ignore X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress(request('203.0.113.7', '198.51.100.1'), 0)).toBe('203.0.113.7');
  });

  it('should take the address the trusted proxies saw, not what the client claims', () => {
    // One proxy: it appended the client's address to whatever the client sent.
    expect(clientAddress(request('10.0.0.2', '198.51.100.66, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.2', '203.0.113.7'), 1)).toBe('203.0.113.7');
    // Two proxies: a load balancer, then an ingress.
    expect(clientAddress(request('10.0.0.3', '198.51.100.66, 203.0.113.7, 10.0.0.2'), 2)).toBe('203.0.113.7');
    // Fewer entries than trusted proxies: the leftmost there is.
    expect(clientAddress(request('10.0.0.2'), 1)).toBe('10.0.0.2');
  });

  it('should count IPv4-mapped addresses as IPv4 and IPv6 clients per /64', () => {
    expect(counterAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(counterAddress('2001:db8:85a3:12:8a2e:370:7334:1')).toBe('2001:db8:85a3:12::/64');
    expect(counterAddress('2001:db8:85a3:12::9')).toBe('2001:db8:85a3:12::/64');
    expect(counterAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(counterAddress('2001:0db8:0000:0012::1')).toBe('2001:db8:0:12::/64');
    expect(counterAddress('::1')).toBe('0:0:0:0::/64');
    expect(counterAddress('not an address, '.repeat(10))).toHaveLength(64);
  });
});
