import { createElement, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Every page lives under /ui/; the server answers any such path with the app. */
export const BASE = '/ui/';

const ROUTE_EVENT = 'coffer:navigate';

export function currentRoute(): string {
  const p = decodeURI(location.pathname);
  return p.startsWith(BASE) ? p.slice(BASE.length) : '';
}

export function navigate(route: string, replace = false): void {
  const url = BASE + route.split('/').map(encodeURIComponent).join('/');
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(ROUTE_EVENT));
}

/** The route after /ui/, e.g. "kv/secret/app/"; re-renders on navigation and Back/Forward. */
export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('popstate', update);
    window.addEventListener(ROUTE_EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(ROUTE_EVENT, update);
    };
  }, []);
  return route;
}

/** A real link (middle-click, copy address work) that navigates inside the app on a plain click. */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return createElement('a', { ...rest, href: BASE + to.split('/').map(encodeURIComponent).join('/'), onClick });
}
