import { z } from 'zod';
import { UpstreamFailed } from '../../domain/errors';
import type { GraphqlClient } from './graphql-client';

/** What to ask about: GPU type ids at a GPU count, or CPU instance ids, each in some data centers. */
export type CapacityQuery =
  | { kind: 'gpu'; gpuTypeIds: string[]; gpuCount: number; dataCenterIds: string[] }
  | { kind: 'cpu'; instanceIds: string[]; dataCenterIds: string[] };

/** One id in one data center; `inStock` is false where RunPod answers no stock status at all. */
export interface Stock {
  id: string;
  dataCenterId: string;
  stockStatus: string | null;
  inStock: boolean;
}

const stockStatus = z.string().nullable().optional();
const gpuTypesSchema = z.array(
  z.looseObject({ id: z.string(), lowestPrice: z.object({ stockStatus }).nullable().optional() }),
);
const cpuFlavorsSchema = z.array(
  z.looseObject({ id: z.string(), specifics: z.object({ stockStatus }).nullable().optional() }),
);

// Flash counts LOW, MEDIUM and HIGH as available, in any case (runpod/flash, core/api/runpod.py).
const available = (s: string | null | undefined): boolean => /^(low|medium|high)$/i.test(s ?? '');

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new UpstreamFailed(
      'RUNPOD_BAD_RESPONSE',
      `the control plane answered ${what} in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  return parsed.data;
}

// Operation: gpuTypes(input:{ids}) { lowestPrice(input:{dataCenterId, gpuCount, ...}) }, once per data center.
async function gpuStock(
  graphql: GraphqlClient,
  q: Extract<CapacityQuery, { kind: 'gpu' }>,
): Promise<Stock[]> {
  const stocks: Stock[] = [];
  for (const dataCenterId of q.dataCenterIds) {
    const data = await graphql.request(
      `query gpuStock($ids: [String], $dc: String, $n: Int) { gpuTypes(input: { ids: $ids }) { id
        lowestPrice(input: { dataCenterId: $dc, gpuCount: $n, secureCloud: true, includeAiApi: true,
          allowedCudaVersions: [], compliance: [] }) { stockStatus } } }`,
      { ids: q.gpuTypeIds, dc: dataCenterId, n: q.gpuCount },
    );
    const types = parse(gpuTypesSchema, data.gpuTypes, 'gpuTypes');
    for (const id of q.gpuTypeIds) {
      const status = types.find((t) => t.id === id)?.lowestPrice?.stockStatus ?? null;
      stocks.push({ id, dataCenterId, stockStatus: status, inStock: available(status) });
    }
  }
  return stocks;
}

// Operation: cpuFlavors(input:{id}) { specifics(input:{dataCenterId, instanceId}) }; the flavour is the
// instance id's family (`cpu3c` for `cpu3c-2-4`).
async function cpuStock(
  graphql: GraphqlClient,
  q: Extract<CapacityQuery, { kind: 'cpu' }>,
): Promise<Stock[]> {
  const stocks: Stock[] = [];
  for (const dataCenterId of q.dataCenterIds)
    for (const id of q.instanceIds) {
      const data = await graphql.request(
        `query cpuStock($f: String, $dc: String, $i: String) { cpuFlavors(input: { id: $f }) { id
          specifics(input: { dataCenterId: $dc, instanceId: $i }) { stockStatus } } }`,
        { f: id.split('-')[0], dc: dataCenterId, i: id },
      );
      const status =
        parse(cpuFlavorsSchema, data.cpuFlavors, 'cpuFlavors')[0]?.specifics?.stockStatus ?? null;
      stocks.push({ id, dataCenterId, stockStatus: status, inStock: available(status) });
    }
  return stocks;
}

/** The stock of every id in every data center of the query, in query order. */
export function stockOf(graphql: GraphqlClient, q: CapacityQuery): Promise<Stock[]> {
  return q.kind === 'gpu' ? gpuStock(graphql, q) : cpuStock(graphql, q);
}
