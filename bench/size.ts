export interface BundleSize { name: string; minifiedBytes: number; gzipBytes: number }
export async function measureBundleSizes(): Promise<BundleSize[]> {
  return [];
}
