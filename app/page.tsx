import { redirect } from 'next/navigation';

// GET / — staff land on the dashboard (which sends them to sign-in when needed).
export default function Home() {
  redirect('/dashboard');
}
