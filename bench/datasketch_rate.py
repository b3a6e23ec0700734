"""
datasketch's MinHash-LSH on the benchmark corpus, for `npm run bench` to compare the
near-duplicate stage with in the same run: the first N records' word 5-gram shingles,
MinHash.update_batch with 128 permutations (datasketch's bulk path), then a query and an
insert per record in MinHashLSH at threshold 0.8 (its own choice of bands and rows), all on one
core. Run only when `python3 -c "import datasketch"` works (e.g. PYTHONPATH set to a checkout).
Prints one line of JSON.
"""
import json
import re
import sys
import time

from datasketch import MinHash, MinHashLSH

path, limit = sys.argv[1], int(sys.argv[2])
texts = []
with open(path, encoding="utf8") as corpus:
    for line in corpus:
        record = json.loads(line)
        texts.append(record["instruction"] + " " + record["output"])
        if len(texts) >= limit:
            break

started = time.perf_counter()
base = MinHash(num_perm=128)
lsh = MinHashLSH(threshold=0.8, num_perm=128)
for key, text in enumerate(texts):
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    shingles = {" ".join(words[i : i + 5]).encode("utf8") for i in range(max(1, len(words) - 4))}
    minhash = base.copy()
    minhash.update_batch(shingles)
    lsh.query(minhash)
    lsh.insert(key, minhash)
seconds = time.perf_counter() - started
print(json.dumps({"records": len(texts), "ms": round(seconds * 1000), "recordsPerS": len(texts) / seconds, "bands": lsh.b, "rows": lsh.r}))
