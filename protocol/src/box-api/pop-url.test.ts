import { describe, expect, it } from 'vitest';
import { fillPopUrl, popUrlProblem } from './pop-url.js';

describe('the screen-pop URL template', () => {
  it('fills each placeholder with its value, URL-encoded', () => {
    const t = 'https://crm.example.com/pop?from={caller}&to={called}&call={uniqueid}&q={queue}';
    expect(fillPopUrl(t, { caller: '+49 30 1234&x=1', called: '800', uniqueid: '1534993030.626', queue: '630' })).toBe(
      'https://crm.example.com/pop?from=%2B49%2030%201234%26x%3D1&to=800&call=1534993030.626&q=630',
    );
  });

  it('leaves a placeholder empty when the call has no such value, and takes the same one twice', () => {
    expect(fillPopUrl('http://crm.local/{caller}/{caller}?q={queue}', { caller: '801' })).toBe('http://crm.local/801/801?q=');
  });

  it("keeps the box's plain pop_url as it is", () => {
    expect(popUrlProblem('http://www.example.com')).toBeUndefined();
    expect(fillPopUrl('http://www.example.com', { caller: '1' })).toBe('http://www.example.com');
  });

  it('refuses what is not an http(s) URL, an unknown placeholder, or too long a template', () => {
    expect(popUrlProblem('javascript:alert({caller})')).toMatch(/http or https/);
    expect(popUrlProblem('data:text/html,{caller}')).toMatch(/http or https/);
    expect(popUrlProblem('crm.example.com/?c={caller}')).toMatch(/http or https/);
    expect(popUrlProblem('https://crm.example.com/?c={callerid}')).toMatch(/unknown placeholder \{callerid\}/);
    expect(popUrlProblem('https://crm.example.com/ pop')).toMatch(/http or https/);
    expect(popUrlProblem(`https://crm.example.com/?${'a'.repeat(2049)}`)).toMatch(/2048/);
    expect(fillPopUrl('javascript:alert(1)', {})).toBeUndefined();
  });

  it('does not let a value change where the URL goes', () => {
    // A caller "number" cannot turn the host into another one: encoded, it makes no host at all, and nothing is opened.
    expect(fillPopUrl('https://{caller}.crm.example.com/', { caller: 'evil.com/x?' })).toBeUndefined();
    expect(fillPopUrl('https://crm.example.com/c/{caller}', { caller: '../admin' })).toBe('https://crm.example.com/c/..%2Fadmin');
  });
});
