import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hostOf, registrableDomain } from '../../src/core/capture/domain';

describe('registrable domain (Public Suffix List, ICANN section)', () => {
  test('the domain under the public suffix, however deep the host', () => {
    assert.equal(registrableDomain('a.b.api2.branch.io'), 'branch.io');
    assert.equal(registrableDomain('branch.io'), 'branch.io');
    assert.equal(registrableDomain('x.foo.com.cn'), 'foo.com.cn');
    assert.equal(registrableDomain('bar.gov.cn'), 'bar.gov.cn');
    assert.equal(registrableDomain('www.google.co.jp'), 'google.co.jp');
    assert.equal(registrableDomain('data.mistat.xiaomi.com'), 'xiaomi.com');
  });

  test('cloud tenants belong to the operator: the PRIVATE section is not used', () => {
    assert.equal(registrableDomain('foo.s3.amazonaws.com'), 'amazonaws.com');
    assert.equal(registrableDomain('d111111abcdef8.cloudfront.net'), 'cloudfront.net');
    assert.equal(registrableDomain('user.github.io'), 'github.io');
  });

  test('case, a trailing dot, a port and a whole URL are normalised away', () => {
    assert.equal(registrableDomain('API2.Branch.IO.'), 'branch.io');
    assert.equal(registrableDomain('api2.branch.io:443'), 'branch.io');
    assert.equal(registrableDomain('https://user:pw@Tracker.Example.co.uk:8443/p?q=1#f'), 'example.co.uk');
  });

  test('no domain for addresses, public suffixes, single labels and non-hosts', () => {
    for (const host of ['127.0.0.1', '8.8.8.8:53', '::1', '[2a00:1450::1]:443', '::ffff:1.2.3.4', 'co.uk', 'com', 'localhost', '', ' ', '.', 'a..b.com', 'foo bar.com', '-x.com']) {
      assert.equal(registrableDomain(host), undefined, JSON.stringify(host));
    }
  });

  test('names outside the list keep their last two labels (the list\'s default rule)', () => {
    assert.equal(registrableDomain('tracker.example.test'), 'example.test');
    assert.equal(registrableDomain('printer.lan'), 'printer.lan');
  });

  test('internationalised names: as written, Unicode or punycode', () => {
    assert.equal(registrableDomain('www.bücher.de'), 'bücher.de');
    assert.equal(registrableDomain('www.xn--bcher-kva.de'), 'xn--bcher-kva.de');
  });
});

describe('hostOf', () => {
  test('the host of a URL or of host:port, lower case, no brackets, no trailing dot', () => {
    assert.equal(hostOf('https://API.Example.com:8443/x'), 'api.example.com');
    assert.equal(hostOf('api.example.com:80'), 'api.example.com');
    assert.equal(hostOf('Example.COM.'), 'example.com');
    assert.equal(hostOf('[2A00:1450::1]:443'), '2a00:1450::1');
    assert.equal(hostOf('http://[::1]/'), '::1');
    assert.equal(hostOf('10.0.0.1:8080'), '10.0.0.1');
    assert.equal(hostOf('my_host.example.com'), 'my_host.example.com');
  });

  test('nothing for empty or invalid input', () => {
    for (const text of ['', '   ', '.', 'foo bar.com', 'a..b', 'http://']) assert.equal(hostOf(text), undefined, JSON.stringify(text));
  });
});
