// Shown while the page asks the daemon for its first data.
import { PageLoading } from '../../components/page-loading.tsx';

export default function Loading() {
  return <PageLoading title="Hosts" what="Loading the hypervisor hosts from the daemon…" />;
}
