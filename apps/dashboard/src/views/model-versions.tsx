import { useState } from 'preact/hooks';
import { type ApiProblem, asProblem } from '../api/plain-errors';
import { canDownloadModels, useSession } from '../api/session';
import { ProblemBox } from '../components/problem-box';
import { TimeText } from '../components/time-text';
import { formatBytes, formatNumber, shortHash } from '../format';
import type { ModelVersionsQuery } from '../graphql/generated';

type Version = ModelVersionsQuery['modelVersions']['items'][number];

const SHOWN_METRICS = ['trainLoss', 'valDice', 'numResults', 'numSamples'];

/** Global models by round, newest first, each with a download link that carries the token. */
export function ModelVersions({ versions, federationName }: { versions: Version[]; federationName: string }) {
  const { api, role } = useSession();
  const downloads = canDownloadModels(role);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const save = (version: Version) => (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const file = `${federationName}-round-${version.roundIndex}-${version.sha256.slice(0, 8)}.f32`;
    api.saveAs(version.downloadPath, file).catch((error: unknown) => setProblem(asProblem(error)));
  };
  return (
    <section class="panel" aria-labelledby="models-title" id="model-versions">
      <h3 id="models-title">Model versions</h3>
      <ProblemBox problem={problem} title="The download failed." />
      <table>
        <thead>
          <tr>
            <th scope="col">Round</th>
            <th scope="col">Created</th>
            <th scope="col">sha256</th>
            <th scope="col" class="num">
              Size
            </th>
            {SHOWN_METRICS.map((m) => (
              <th scope="col" class="num" key={m}>
                {m}
              </th>
            ))}
            <th scope="col">Weights</th>
          </tr>
        </thead>
        <tbody>
          {[...versions].reverse().map((v) => (
            <tr key={v.id} data-model-round={v.roundIndex}>
              <th scope="row">{v.roundIndex === 0 ? '0 (initial)' : v.roundIndex}</th>
              <td>
                <TimeText value={v.createdAt} />
              </td>
              <td>
                <code title={v.sha256}>{shortHash(v.sha256)}</code>
              </td>
              <td class="num">{formatBytes(v.sizeBytes)}</td>
              {SHOWN_METRICS.map((m) => (
                <td class="num" key={m}>
                  {formatNumber(v.metrics.find((x) => x.name === m)?.value, 4)}
                </td>
              ))}
              <td>
                {downloads ? (
                  <a href={v.downloadPath} onClick={save(v)} download data-download={v.roundIndex}>
                    Download round {v.roundIndex} weights
                  </a>
                ) : (
                  <span class="muted">admin or inference token</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        {downloads
          ? "Raw little-endian float32 in the manifest's parameter order; the sha256 is of these bytes."
          : 'The weights themselves are given to the admin and inference roles only.'}
      </p>
    </section>
  );
}
