/** Why a test that needs a Docker engine cannot run here, or undefined when it can. */
export async function whyNoDocker(): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    return `no Docker engine (${error instanceof Error ? error.message : String(error)})`;
  }
}
