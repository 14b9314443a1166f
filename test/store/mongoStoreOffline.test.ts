import { StoreUnavailableError } from '../../src/store/collection.js';
import { indexesFor } from '../../src/store/mongo/mongoCollection.js';
import { databaseNameOf, openMongoStore } from '../../src/store/mongo/openMongoStore.js';
import { validateCollectionSpec } from '../../src/store/validateCollectionSpec.js';

// The parts of the MongoDB engine that need no server; the rest runs in contract.test.ts when
// MONGODB_URI is set.

it('takes the database from the URI path, defaulting to sesame', () => {
  expect(databaseNameOf('mongodb://localhost:27017')).toBe('sesame');
  expect(databaseNameOf('mongodb://localhost:27017/')).toBe('sesame');
  expect(databaseNameOf('mongodb://localhost/idp')).toBe('idp');
  expect(databaseNameOf('mongodb://a:1,b:2/idp?replicaSet=rs0')).toBe('idp');
  expect(databaseNameOf('mongodb://u:p%2Fw@a,b/prod?authSource=admin')).toBe('prod');
  expect(databaseNameOf('mongodb+srv://u:p@cluster0.example.net/?retryWrites=true')).toBe('sesame');
});

it('declares a TTL index and partial unique / plain indexes for the spec', () => {
  const spec = validateCollectionSpec({
    name: 'sessions',
    unique: ['payload.uid'],
    indexed: ['payload.accountId', 'payload.uid'],
  });
  expect(indexesFor(spec)).toEqual([
    { key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 },
    {
      key: { 'payload.uid': 1 },
      name: 'unique_payload.uid',
      unique: true,
      partialFilterExpression: { 'payload.uid': { $exists: true } },
    },
    { key: { 'payload.accountId': 1 }, name: 'index_payload.accountId' },
  ]);
});

it('an unreachable server rejects with StoreUnavailableError', async () => {
  // Port 9 (discard) on loopback: nothing listens, so server selection fails fast.
  await expect(
    openMongoStore('mongodb://127.0.0.1:9/sesame?serverSelectionTimeoutMS=300'),
  ).rejects.toBeInstanceOf(StoreUnavailableError);
});
