export default { name: 'Maybe', filter: () => false };
