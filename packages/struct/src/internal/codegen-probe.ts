let available: boolean | undefined;

/**
 * Whether `new Function` works here. A content security policy without `'unsafe-eval'` makes it throw
 * an EvalError; some sandboxes remove it. Probed once.
 */
export function codegenAvailable(): boolean {
	if (available === undefined) {
		try {
			available = new Function("return 1")() === 1;
		} catch {
			available = false;
		}
	}
	return available;
}
