// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// Combobox sizes its input with canvas text metrics; jsdom has no canvas, so give it a
// 2D context that measures every character as 8px wide.
HTMLCanvasElement.prototype.getContext = () => ({
  measureText: (text) => ({ width: String(text).length * 8 }),
  font: '',
});

// Combobox virtualises its option list and renders only what fits the measured height; jsdom
// lays nothing out (every box is 0x0), so give elements a size for the list to render into.
Object.defineProperty(Element.prototype, 'getBoundingClientRect', {
  configurable: true,
  value: () => ({ width: 120, height: 120, top: 0, left: 0, bottom: 0, right: 0, x: 0, y: 0, toJSON: () => ({}) }),
});

// Used by Combobox to notice when the input scrolls out of view; jsdom lacks it.
class NoopIntersectionObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
Object.assign(global, { IntersectionObserver: NoopIntersectionObserver });

// The virtualised list reads its viewport from client/offset sizes (all 0 in jsdom).
for (const prop of ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth']) {
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => 600 });
}
