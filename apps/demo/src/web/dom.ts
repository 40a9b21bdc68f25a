/** Looks up an element the page must have; a missing one is a bug in index.html, so it throws. */
export function requireElement<T extends Element>(root: ParentNode, selector: string, type: new () => T): T {
	const element = root.querySelector(selector);
	if (!(element instanceof type)) {
		throw new TypeError(`offheap demo: expected ${type.name} at "${selector}" in index.html`);
	}
	return element;
}

/** Sets an element's text only when it changed, so idle counters cost no layout. */
export function setText(element: HTMLElement, text: string): void {
	if (element.textContent !== text) element.textContent = text;
}
